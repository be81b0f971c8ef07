// Placeholder; the module is built in its own issue.
