"""opsconsole: the on-call operations console of the Luckin Coffee USA DBA team."""

__version__ = "0.1.0"
