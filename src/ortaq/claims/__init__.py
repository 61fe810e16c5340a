"""Claims: sentence-level claim matching and ClaimReview interchange (pure, no I/O).

`ortaq.claims.matching` scores a claim against an item's passages, within a language
and across languages; `ortaq.claims.claimreview` writes and reads schema.org
ClaimReview JSON-LD. The store (`ortaq.store.reviews`) fetches candidates and keeps
what they find; `ortaq.verification` joins the two.
"""
