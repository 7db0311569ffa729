"""Counters of the self-service rate limits (SPEC W-2). A key is a keyed hash of the client
address or ID number, never the value itself."""

from django.db import models


class Throttle(models.Model):
    key = models.CharField(max_length=80, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "查询频率计数"
        verbose_name_plural = "查询频率计数"

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count}"
