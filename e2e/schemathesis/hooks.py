"""Schemathesis hooks for `cargo xtask test` (loaded through SCHEMATHESIS_HOOKS).

On the local stack `wrangler dev` passes CF-Connecting-IP through, so each generated request is
sent from an address of its own, as real visitors' are: the fuzzer tests the contract, not one
address's budget of 100 requests a minute.
"""

import itertools

import schemathesis

_next = itertools.count(1)


@schemathesis.hook
def before_call(context, case, kwargs):
    n = next(_next)
    address = f"10.{128 + (n >> 16) % 64}.{(n >> 8) & 255}.{n & 255}"
    case.headers = {**(case.headers or {}), "cf-connecting-ip": address}
