// Loaded first by main.ts, before Nest or any instrumented library is required.
