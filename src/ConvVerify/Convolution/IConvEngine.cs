namespace ConvVerify.Convolution;

/// <summary>
/// An implementation of the definition (<see cref="NaiveConv"/>) that is bitwise equal to it for every input: the same
/// products, summed in the same order per element. Everything that needs "the reference result" or the sound bound's
/// convolution takes an engine, so a faster one slots in without changing a single result bit.
/// </summary>
public interface IConvEngine : IConvImplementation
{
    /// <summary>Short name, as <c>--engine</c> takes it and reports print it: "naive", "exact".</summary>
    string Name { get; }
}
