class ConflictError(Exception):
    """Someone else saved the record after this user loaded it; nothing was written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
