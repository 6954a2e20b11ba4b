using BotBottle.Testing.Smolmachines.PtyBridge;

return await PtyResizeBridge.MainAsync(args, CancellationToken.None).ConfigureAwait(false);
