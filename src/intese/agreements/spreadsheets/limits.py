"""Limits of an upload.

The view refuses bigger files; the archive check refuses what would inflate beyond these once
decompressed, before any parser sees it (ASVS V5.2.3); the readers stop at the row limit.
"""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_MEMBERS = 100
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # smaller members cannot hurt, and their ratios are noisy
MAX_ROWS = 100_000
MAX_COLUMNS = 200
