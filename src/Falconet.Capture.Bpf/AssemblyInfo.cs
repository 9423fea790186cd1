namespace Falconet.Capture.Bpf;
