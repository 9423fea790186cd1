namespace Falconet.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("falconet: not implemented yet");
        return 1;
    }
}
