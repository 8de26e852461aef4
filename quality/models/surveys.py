"""The quarterly satisfaction survey 满意度调查: one unguessable, expiring, one-time link per customer."""
