namespace BotBottle.Testing.Bottles;

/// <summary>The users a bottle knows and their home directories.</summary>
public static class GuestUsers
{
    /// <summary>The unprivileged user the agent runs as.</summary>
    public const string Agent = "node";

    /// <summary>The guest's superuser.</summary>
    public const string Root = "root";

    /// <summary>HOME for a user: node → /home/node, root → /root, anyone else → /home/&lt;user&gt;.</summary>
    public static string HomeOf(string user) => user switch
    {
        Root => "/root",
        _ => "/home/" + user,
    };
}
