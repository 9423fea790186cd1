using Falconet.TestKit;

// Live tests share the kernel and the network: one test at a time, and never beside the other live assembly.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: AssemblyFixture(typeof(LiveMachineLock))]
