"""Benchmarks of this framework against torch.nn and a bare loop of tensor operations.

``python -m benchmarks`` runs them; docs/benchmarks.md describes the method.
"""
