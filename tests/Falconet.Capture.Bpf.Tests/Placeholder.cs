namespace Falconet.Capture.Bpf.Tests;
