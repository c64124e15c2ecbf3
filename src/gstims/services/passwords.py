"""The password policy (issue 14 item 3), asked wherever a password is set.

A password has PASSWORD_MIN_LENGTH to PASSWORD_MAX_LENGTH characters and must not be easy to
guess: zxcvbn (Dropbox's estimator: dictionaries, keyboard patterns, dates, the user's own
name) must score it at least PASSWORD_MIN_SCORE of 4, i.e. about 10^8 guesses or more. No
rules on character classes (NIST SP 800-63B): "correct horse battery" passes, "Passw0rd!2024"
does not.

Example: for the user `ca-firm`, `ca-firm-2024` is refused as too easy to guess (its own name
and a year); `ledger maple violet` is kept.
"""

from __future__ import annotations

from zxcvbn import zxcvbn  # type: ignore[import-untyped]  # ships no stubs

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128  # what is hashed stays small
PASSWORD_MIN_SCORE = 3


def password_problems(user_name: str, password: str) -> list[str]:
    """What is wrong with `password` for the user `user_name` (an empty list: nothing)."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return [f"a password has at least {PASSWORD_MIN_LENGTH} characters, got {len(password)}"]
    if len(password) > PASSWORD_MAX_LENGTH:
        return [f"a password has at most {PASSWORD_MAX_LENGTH} characters, got {len(password)}"]
    verdict = zxcvbn(password, user_inputs=[user_name, "gstims", "gst"])
    if verdict["score"] >= PASSWORD_MIN_SCORE:
        return []
    hint = verdict["feedback"]["warning"] or "add more words or characters"
    return [f"too easy to guess ({hint.rstrip('.')}): use a longer phrase of unrelated words"]
