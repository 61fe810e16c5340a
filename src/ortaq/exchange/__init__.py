"""The exchange: members, users, tokens, agreements, and the one policy every door uses.

Submodules are imported where they are needed; this package imports nothing on its own so
that the store can use the policy without import cycles.
"""
