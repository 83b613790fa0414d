import warnings

with warnings.catch_warnings():
    # pysaml2 names a cipher mode that cryptography has moved: a warning at its import (on every start and in every
    # test run), for a mode Samspil never uses. Imported here once, quietly.
    warnings.filterwarnings("ignore", message="CFB has been moved")
    import saml2.cryptography.symmetric  # noqa: F401
