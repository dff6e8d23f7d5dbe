"""The incident flight recorder: what the console would have shown, kept per hour on disk.

`codec` turns typed readings into JSON-ready values and back; `store` writes and reads the hour
files; `recorder` samples the fleet on its two intervals (fleet-wide, and in detail for the
instances in trouble) and hands each interval to the store.
"""
