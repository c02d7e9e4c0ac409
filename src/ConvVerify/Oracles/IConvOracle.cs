using System.Numerics;
using ConvVerify.Cases;
using ConvVerify.Problems;

namespace ConvVerify.Oracles;

/// <summary>Something that computes the trusted results of a problem: live PyTorch, or anything else a pack can be made from.</summary>
public interface IConvOracle
{
    /// <summary>Name and versions, as recorded in a pack's manifest, e.g. {"torch": "1.13.1", "numpy": "1.24.2"}.</summary>
    IReadOnlyDictionary<string, string> Versions { get; }

    /// <summary>y, dx, dw, db for the inputs.</summary>
    ConvResults<T> Compute<T>(ConvProblem problem, ConvInputs<T> inputs) where T : unmanaged, IFloatingPointIeee754<T>;
}
