global using BotBottle.Testing.Bottles;
global using BotBottle.Testing.Docker;
global using BotBottle.Testing.Engine;
global using BotBottle.Testing.Launch;
global using Xunit;
