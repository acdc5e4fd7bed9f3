from tests.helpers.trusted import site  # noqa: F401  (the fixture)
