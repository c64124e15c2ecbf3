"""The IMS rules as pure, typed Python: no database, no HTTP, no JSON spellings.

Everything in this package imports only the standard library and itself (a test checks it).
"""
