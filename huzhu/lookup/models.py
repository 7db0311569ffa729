"""Counters of the self-service rate limits (SPEC W-2). A key is a keyed hash of the client
address or ID number, never the value itself."""

from typing import ClassVar

from django.db import models


class Throttle(models.Model):
    key = models.CharField(max_length=80)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "查询频率计数"
        verbose_name_plural = "查询频率计数"
        # a constraint, not unique=True: that would add a LIKE index on PostgreSQL that no
        # query uses and every look-up would have to update (see members.Member)
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["key"], name="throttle_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.count}"
