// Every test here measures allocations or sizes of one run; run side by side, they would share the process's
// lazily filled tables (port texts, capability texts) and the GC's timing, and measure each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
