"""mx.test_utils."""
