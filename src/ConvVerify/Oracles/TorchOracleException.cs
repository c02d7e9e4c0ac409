using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Problems;
using Python.Runtime;

namespace ConvVerify.Oracles;

/// <summary>PyTorch failed on a problem, or handed back something other than the tensors the problem implies.</summary>
public sealed class TorchOracleException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TorchOracleException(string message) : base(message) { }

    /// <summary>Creates the exception with the Python exception that caused it.</summary>
    public TorchOracleException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception with no message.</summary>
    public TorchOracleException() { }
}
