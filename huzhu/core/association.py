"""The association's own particulars, shown on pages and on the papers it issues."""

NAME = "济南市职工互助互济会"
SERVICE_PHONES = "0531-86195716 / 86195717"
