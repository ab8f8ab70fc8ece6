"""The rule language's one error: where in the submitted JSON, and what is wrong."""


class RuleError(ValueError):
    """A rule that cannot be saved: where (`all[2].value`; "" is the whole rule) and why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message
