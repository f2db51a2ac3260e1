"""Password hashing: Argon2id with documented parameters, PBKDF2 kept to read older hashes.

Parameters: RFC 9106's second recommended option (section 4): time cost 3 passes, 64 MiB of
memory, 4 lanes. Each guess costs an attacker 64 MiB and three passes over it, which is what
makes GPU and ASIC cracking expensive; on the 2-core machine the program is benchmarked on, one
hash takes about 0.15 s quiet and 0.7 s at a load average of 11 (PBKDF2-SHA256 at Django's
default iterations took 1.4 s there, and 3-9 s per sign-in on the loaded demo).

A user whose stored hash is PBKDF2 (or Argon2 with other parameters) still signs in; Django
re-hashes the password with these parameters at that sign-in (`must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class ProgramArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2id hasher (algorithm "argon2") with the parameters above."""

    time_cost = 3
    memory_cost = 64 * 1024  # KiB
    parallelism = 4
