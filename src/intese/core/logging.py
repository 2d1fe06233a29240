"""Log records with UTC timestamps in RFC 3339 form, as the AgID interoperability rules ask."""

import logging
import time


class UTCFormatter(logging.Formatter):
    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"
