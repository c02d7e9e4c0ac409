namespace ConvVerify.Cases;

/// <summary>
/// The one refusal of a null tensor by <see cref="ConvInputs{T}"/> and <see cref="ConvResults{T}"/>: their arrays are read
/// unchecked by bounds, engines and writers, so a null one is refused where the record is made, by name, rather than met
/// later as a <see cref="NullReferenceException"/>.
/// </summary>
internal static class NullTensors
{
    /// <summary>
    /// <paramref name="value"/>, or an <see cref="ArgumentNullException"/> for parameter <paramref name="name"/>:
    /// "{name}: {what} is null; an absent one is empty".
    /// </summary>
    /// <param name="value">The tensor.</param>
    /// <param name="name">The record's property: "X", "Dy".</param>
    /// <param name="what">What the tensor is, for the message: "a result".</param>
    public static T[] Refused<T>(T[] value, string name, string what) =>
        value ?? throw new ArgumentNullException(name, $"{name}: {what} is null; an absent one is empty");
}
