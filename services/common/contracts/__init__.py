"""The services' wire contracts: the structs each service answers and its callers decode,
defined once for both sides (architecture principle 6). The calls are in
``services.common.clients``."""
