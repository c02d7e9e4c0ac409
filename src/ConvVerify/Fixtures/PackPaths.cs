namespace ConvVerify.Fixtures;

/// <summary>
/// The one rule for names that become paths inside a pack (or a candidate or snapshot folder): case ids, file names and
/// the manifest's <c>files</c> keys are plain names, and no symbolic link below the folder may lead out of it.
/// A manifest is data from anyone; without this a listed case <c>../victim</c> would be read from outside the pack.
/// </summary>
public static class PackPaths
{
    private static readonly char[] Separators = ['/', '\\'];

    // More than any sane chain of links; a loop is reported instead of followed forever.
    private const int MaxLinkHops = 40;

    /// <summary>
    /// Checks that <paramref name="name"/> is one plain path component: not empty, not <c>.</c> or <c>..</c>, no
    /// path separator, drive colon, NUL or other control character, and at most 255 bytes in UTF-8 (a file name's limit).
    /// </summary>
    /// <param name="name">The case id or file name.</param>
    /// <param name="what">What it is, for the message, e.g. "case id" or "manifest.json: files key \"a/b\"".</param>
    /// <exception cref="FixtureException">The name is not plain; the message quotes it.</exception>
    public static void CheckName(string? name, string what)
    {
        const int MaxNameBytes = 255;
        string? why = name switch
        {
            null or "" => "is empty",
            "." or ".." => "is a relative path component",
            _ when name.IndexOfAny(Separators) >= 0 => "holds a path separator",
            _ when name.Contains(':', StringComparison.Ordinal) => "holds ':' (a drive letter or stream name)",
            _ when name.Any(char.IsControl) => "holds a control character",
            // A longer component is refused by the file system with .NET's PathTooLongException, naming no case.
            _ when System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameBytes => $"is {System.Text.Encoding.UTF8.GetByteCount(name)} bytes long in UTF-8, more than the {MaxNameBytes} a file name may hold",
            _ => null,
        };
        if (why is not null)
            throw new FixtureException($"{what} \"{Printable(name ?? "")}\" {why}: only a plain name inside the folder is allowed");
    }

    /// <summary>Splits a manifest <c>files</c> key <c>&lt;case-id&gt;/&lt;file&gt;</c> into its two plain names.</summary>
    /// <exception cref="FixtureException">Not exactly one '/', or either part is not a plain name.</exception>
    public static (string CaseId, string File) SplitFileKey(string key, string manifestPath)
    {
        ArgumentNullException.ThrowIfNull(key);
        string what = $"{manifestPath}: files key";
        int slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || key.LastIndexOf('/') != slash)
            throw new FixtureException($"{what} \"{Printable(key)}\" must be <case-id>/<file> with exactly one '/'");
        CheckName(key[..slash], $"{what} \"{Printable(key)}\": case id");
        CheckName(key[(slash + 1)..], $"{what} \"{Printable(key)}\": file");
        return (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>
    /// <paramref name="root"/>/<paramref name="names"/>... after checking every name is plain and that no existing
    /// component below <paramref name="root"/> is a symbolic link resolving outside it.
    /// </summary>
    /// <exception cref="FixtureException">A name is not plain, or a link leads outside <paramref name="root"/>.</exception>
    public static string Inside(string root, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(names);
        string path = root;
        foreach (string name in names)
        {
            CheckName(name, $"{root}: name");
            path = Path.Combine(path, name);
            CheckLink(root, path);
        }
        return path;
    }

    /// <summary>Checks that <paramref name="path"/>, when it is a symbolic link, resolves to a place inside <paramref name="root"/>.</summary>
    /// <exception cref="FixtureException">It resolves outside, or the links loop.</exception>
    public static void CheckLink(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        // lstat only: an entry that is not a link is inside by construction (its parents were checked before it).
        if (new FileInfo(path).LinkTarget is null) return;
        string real = RealPath(path), realRoot = RealPath(root);
        if (!IsUnder(realRoot, real))
            throw new FixtureException($"{Printable(path)}: a symbolic link to {Printable(real)}, outside {Printable(root)}: refusing to read or write through it");
    }

    /// <summary>
    /// Checks every entry of <paramref name="root"/> and, in each of its sub-folders, every entry one level down: no
    /// name that is not plain, no link leading outside. This is the shape of packs and candidate folders.
    /// </summary>
    /// <exception cref="FixtureException">The first offending entry.</exception>
    public static void CheckTwoLevels(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach (string entry in Directory.EnumerateFileSystemEntries(root).Order(StringComparer.Ordinal))
        {
            CheckLink(root, entry);
            if (!Directory.Exists(entry)) continue;
            foreach (string inner in Directory.EnumerateFileSystemEntries(entry).Order(StringComparer.Ordinal))
                CheckLink(root, inner);
        }
    }

    /// <summary>
    /// Checks that <paramref name="path"/> (its links followed) is a regular file, before anything opens it: opening a
    /// named pipe waits for a writer that never comes, and a device reads forever or not at all.
    /// </summary>
    /// <exception cref="FixtureException">Missing, or a named pipe, device, socket, directory or anything else that is not a regular file.</exception>
    public static void CheckRegularFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var kind = FileKinds.Of(path);
        // A link whose target is gone is there, as a link: "file not found" had the user look for a file that was not
        // written, where a link was, and a case folder's link was already said to lead nowhere.
        if (kind == FileKind.Missing && new FileInfo(path).LinkTarget is { } target)
            throw new FixtureException($"{path}: a symbolic link leading nowhere (to {Printable(target)}{Resolved(path, target)}, which does not exist), not a regular file; refusing to read it");
        if (kind == FileKind.Missing) throw new FixtureException($"{path}: file not found");
        if (kind != FileKind.Regular) throw new FixtureException($"{path}: {FileKinds.Describe(kind)}, not a regular file; refusing to read it");
    }

    // Where a relative link, or one through other links, lands: the target as written is not where to look.
    private static string Resolved(string link, string target)
    {
        string real = RealPath(link);
        return real == target ? "" : $", that is {Printable(real)}";
    }

    /// <summary>
    /// A pack's small file (<c>case.json</c>, <c>manifest.json</c>) read whole: a regular file (<see cref="CheckRegularFile"/>)
    /// of at most <paramref name="maxBytes"/>, its size asked before a byte is read, so a huge file or one that grew
    /// past its size is refused by name rather than read until memory runs out.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What it is, for the message: "case.json".</param>
    /// <param name="maxBytes">Largest size read.</param>
    /// <exception cref="FixtureException">Missing, not a regular file, larger than <paramref name="maxBytes"/>, or cut short while read.</exception>
    public static byte[] ReadWhole(string path, string what, long maxBytes)
    {
        CheckRegularFile(path);
        try
        {
            return InputFile.ReadAllBytes(path, what, maxBytes);
        }
        catch (IOException e)
        {
            throw new FixtureException(e.Message, e);
        }
    }

    /// <summary>
    /// Null when <paramref name="path"/> (its links followed) is a folder; otherwise what it is instead, as a message says it:
    /// "folder not found", or e.g. "a regular file, not a folder" (a file given for a folder was called "not found", and
    /// the user looked for a typo in a path that was there). <paramref name="folder"/> names the folder: "pack folder".
    /// </summary>
    public static string? NotAFolder(string path, string folder = "folder")
    {
        ArgumentNullException.ThrowIfNull(path);
        var kind = FileKinds.Of(path);
        return kind switch
        {
            FileKind.Directory => null,
            FileKind.Missing => InTheWay(path) is { } file && file != path ? $"{folder} not found ({file} is {KindOf(file)}, not a folder)" : $"{folder} not found",
            _ => $"{FileKinds.Describe(kind)}, not a {folder}",
        };
    }

    /// <summary>
    /// What stands where a folder is wanted: the nearest entry at or above <paramref name="path"/> that exists and is no
    /// folder (a regular file, a device, a symbolic link leading nowhere), or null when the nearest existing one is a
    /// folder. "a/b" below a file "a" was "folder not found", and the user looked for a typo in b; one place says it for
    /// a pack folder, an output's folder and a writer's parent folder.
    /// </summary>
    /// <exception cref="FixtureException">An entry exists but its kind cannot be found (e.g. no permission to look).</exception>
    public static string? InTheWay(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        for (string? at = Path.TrimEndingDirectorySeparator(path); !string.IsNullOrEmpty(at); at = Path.GetDirectoryName(at))
        {
            var kind = FileKinds.Of(at);
            if (kind == FileKind.Directory) return null;
            if (kind != FileKind.Missing || new FileInfo(at).LinkTarget is not null) return at;
        }
        return null;
    }

    /// <summary>
    /// Null when this process may create and delete entries in the folder <paramref name="folder"/>, as the kernel judges
    /// it (root passes mode bits, not an immutable flag or a read-only mount); otherwise the system's reason. Null too
    /// where that cannot be asked (Windows): the writes themselves then say it.
    /// </summary>
    public static string? WhyNotWritable(string folder) => FileKinds.WhyNotWritable(folder);

    /// <summary>
    /// What <paramref name="path"/> is, its links followed, in words for a message: "a directory", "a regular file",
    /// "a named pipe", "a character device", "a socket", "a symbolic link leading nowhere" or "missing". Nothing is opened,
    /// so a named pipe is told without waiting on it.
    /// </summary>
    /// <exception cref="FixtureException">The entry exists but its kind cannot be found (e.g. no permission to look).</exception>
    public static string KindOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var kind = FileKinds.Of(path);
        return kind == FileKind.Missing && new FileInfo(path).LinkTarget is not null ? "a symbolic link leading nowhere" : FileKinds.Describe(kind);
    }

    /// <summary>The absolute path with every symbolic link resolved (like POSIX realpath; missing tails are kept as given).</summary>
    /// <exception cref="FixtureException">More than 40 links in a row (a loop).</exception>
    public static string RealPath(string path)
    {
        // Stryker disable once Statement : Path.GetFullPath throws the same ArgumentNullException (parameter "path") itself
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        string top = Path.GetPathRoot(full)!;
        var pending = new LinkedList<string>(full[top.Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries));
        string current = top;
        int hops = 0;
        while (pending.First is { } first)
        {
            string part = first.Value;
            pending.RemoveFirst();
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? top;
                continue;
            }
            string next = Path.Combine(current, part);
            string? target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops) throw new FixtureException($"{path}: too many symbolic links (a loop?)");
            // A link's target replaces the component: resolve its own parts next, relative to where the link lives.
            if (Path.IsPathRooted(target)) current = Path.GetPathRoot(Path.GetFullPath(target))!;
            foreach (string t in target.Split(Separators, StringSplitOptions.RemoveEmptyEntries).Reverse())
                if (!(Path.IsPathRooted(target) && t.EndsWith(':'))) pending.AddFirst(t);
        }
        return current;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it (both already real paths).</summary>
    public static bool IsUnder(string root, string path)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        // Stryker disable once Logical,Conditional : a Windows or macOS test run tells these apart, a Linux one cannot
        var cmp = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        string r = Path.TrimEndingDirectorySeparator(root);
        return path.Equals(r, cmp) || path.StartsWith(r + Path.DirectorySeparatorChar, cmp);
    }

    /// <summary>Whether two real paths name the same file or folder (compared as <see cref="IsUnder"/> compares them).</summary>
    public static bool SamePath(string a, string b) => IsUnder(a, b) && IsUnder(b, a);

    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> are one existing file by the file system's identity of it
    /// (its device and inode), not by name: a hard link is another name of the same file, which <see cref="SamePath"/>
    /// cannot see. False when either is missing, and wherever the identity cannot be asked for (Windows).
    /// </summary>
    /// <param name="a">A path.</param>
    /// <param name="b">Another path.</param>
    public static bool SameFile(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return FileKinds.SameFile(a, b);
    }

    /// <summary>
    /// <paramref name="s"/> cut after <paramref name="most"/> characters with "…", never between the two halves of a
    /// surrogate pair (alone, each is no character, and Printable writes it as an escape): how a refusal quotes
    /// someone else's text, which may be megabytes long.
    /// </summary>
    /// <param name="s">The text.</param>
    /// <param name="most">Most characters kept, at least 2.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="most"/> is below 2 (a pair's first half alone would leave nothing).</exception>
    public static string Cut(string s, int most)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentOutOfRangeException.ThrowIfLessThan(most, 2);
        return s.Length <= most ? s : s[..(char.IsHighSurrogate(s[most - 1]) ? most - 1 : most)] + "…";
    }

    /// <summary>
    /// <paramref name="s"/> with every control character written as <c>\uXXXX</c>, for a message: a name from someone
    /// else's folder may hold a newline, which would start a line of its own (say, a forged summary line), or an escape
    /// sequence, which would drive the terminal. Invisible format characters (a zero-width space, a byte-order mark
    /// inside a line, a right-to-left override) are written so too: printed, the offending value of "unrecognized
    /// token at position 15: ''" could not be seen, and an override reorders the text after it. So are the line and
    /// paragraph separators U+2028 and U+2029, at which some viewers break the line.
    /// </summary>
    /// <param name="s">The text.</param>
    /// <param name="keepWhiteSpace">Keep line breaks and tabs (a page that shows a traceback's lines); other control characters are still written out.</param>
    public static string Printable(string s, bool keepWhiteSpace = false)
    {
        ArgumentNullException.ThrowIfNull(s);
        // How many UTF-16 units the character at i takes (2 for a surrogate pair), negated when it is written out. By code
        // point, not by unit: the format characters past U+FFFF (the invisible tag characters U+E0000 to U+E007F, which
        // spell hidden text) are pairs of surrogates, each of which alone is no format character.
        int At(int i)
        {
            char c = s[i];
            int length = char.IsSurrogatePair(s, i) ? 2 : 1;
            // U+2028 and U+2029 are no control characters, but an editor, a log viewer or a JavaScript console breaks the
            // line at them: a forged line as a newline makes one.
            bool hidden = (char.IsControl(c) && !(keepWhiteSpace && c is ('\n' or '\r' or '\t')))
                || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(s, i) is System.Globalization.UnicodeCategory.Format
                    or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator;
            return hidden ? -length : length;
        }
        int first = 0;
        for (int n; first < s.Length && (n = At(first)) > 0; first += n) { }
        // Most texts hold none: returned as they are, not rebuilt a character at a time.
        if (first == s.Length) return s;
        var shown = new System.Text.StringBuilder(s.Length + 12).Append(s, 0, first);
        for (int i = first; i < s.Length;)
        {
            int n = At(i);
            for (int k = 0; k < Math.Abs(n); k++)
            {
                if (n < 0) shown.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)s[i + k]:x4}");
                else shown.Append(s[i + k]);
            }
            i += Math.Abs(n);
        }
        return shown.ToString();
    }
}
