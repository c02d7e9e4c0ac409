using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Problems;
using Python.Runtime;

namespace ConvVerify.Oracles;

/// <summary>Whether live PyTorch can be used in this process, and if not, exactly why.</summary>
/// <param name="Available">Whether <see cref="TorchOracle.Get"/> will succeed.</param>
/// <param name="Reason">What was found and used, or why nothing could be (every interpreter tried and what it said).</param>
/// <param name="Interpreter">The Python interpreter embedded, when one was found.</param>
/// <param name="LibPython">The libpython loaded, when one was found.</param>
/// <param name="TorchVersion"><c>torch.__version__</c> as the embedded interpreter reports it, when available.</param>
/// <param name="NumpyVersion"><c>numpy.__version__</c>, when available.</param>
public sealed record TorchAvailability(
    bool Available, string Reason, string? Interpreter, string? LibPython, string? TorchVersion, string? NumpyVersion);
