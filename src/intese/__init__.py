"""Intese: the system of agreements through which a public body implements its strategic plan."""
