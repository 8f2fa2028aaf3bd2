"""The errors catalog raises on purpose. Each message names the file or URL and the fix."""


class CatalogError(Exception):
    """A problem the user can fix (bad input, wrong database, bad option); exit code 2."""


class FetchError(Exception):
    """A URL could not be fetched; carries the URL and a short reason for the `pages` table."""

    def __init__(self, url: str, reason: str, retryable: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after
