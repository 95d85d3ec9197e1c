"""Backends only read and write cells; all logic lives above them."""
