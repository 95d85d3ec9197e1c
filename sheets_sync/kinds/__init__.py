"""Kinds of sheet (scorecard, ITA, action plan, ...): each is one module behind the
``Kind`` protocol in ``base.py``, chosen by the template's ``kind`` through one registry.
A kind finds its table in a grid, evaluates it (grids in, desired computed cells and
problems out; pure), lays out a new sheet as a backend-neutral plan and contributes to
the ministry summary. Templates (YAML data) say which fields a kind's sheet has."""
