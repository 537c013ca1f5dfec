using System.Runtime.InteropServices;
using System.Text;
using Herald.Cli;

using var shutdown = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C asks the command to stop cleanly; a second one kills the process.
    e.Cancel = !shutdown.IsCancellationRequested;
    shutdown.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    shutdown.Cancel();
});

// Buffered stdout: consume can print millions of lines; commands flush when they go idle.
await using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false), false, 1 << 16);
var console = new CliConsole(stdin, stdout, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected);
return await HeraldCli.RunAsync(args, console, shutdown.Token);
