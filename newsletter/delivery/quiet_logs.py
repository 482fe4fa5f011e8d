"""Keep SendGrid secrets and addresses out of our logs.

python_http_client (under the sendgrid library) logs the request headers (the API key) and
payload (every address) at DEBUG; every SendGrid client of ours calls `hide_request_details()`.
"""

from __future__ import annotations

import logging


class _HideRequestDetails(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith(("HEADERS:", "PAYLOAD:")):
            record.msg = message.split(":", 1)[0] + ": <hidden>"
            record.args = None
        return True


def hide_request_details() -> None:
    library_log = logging.getLogger("python_http_client.client")
    if not any(isinstance(f, _HideRequestDetails) for f in library_log.filters):
        library_log.addFilter(_HideRequestDetails())
