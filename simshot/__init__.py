"""simshot, the application: the command line, the stage runner and its cache, the plan loop,
expectation checks, dataset generation, exports and the report. It drives the stages
(`planner`, `physics`, `renderer`, `neural`), which meet only in the contract, `bridge`."""

__version__ = "0.1.0"
