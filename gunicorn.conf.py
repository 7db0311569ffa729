"""gunicorn reads this file from the directory it is started in (`make run`, a deployment
started from the checkout; elsewhere pass `--config`). The access log leaves out query strings
and referrers: a name searched for, a filter, a claim number would otherwise be kept in every
log line (PIPL: no personal data in server logs). The method, path, status, size, time taken
and user agent stay."""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
