"""Evaluations behind `ortaq eval ...`: each measures one stage on real data."""
