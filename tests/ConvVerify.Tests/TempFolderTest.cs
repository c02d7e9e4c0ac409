namespace ConvVerify.Tests;

/// <summary>A fixture whose every test gets a fresh, empty temporary folder, removed after it.</summary>
public abstract class TempFolderTest
{
    /// <summary>The current test's folder.</summary>
    protected string Dir { get; private set; } = "";

    [SetUp]
    public void MakeTempFolder() => Dir = Directory.CreateTempSubdirectory("convverify-" + GetType().Name + "-").FullName;

    [TearDown]
    public void RemoveTempFolder()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }
}
