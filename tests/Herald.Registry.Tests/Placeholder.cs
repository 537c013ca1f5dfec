namespace Herald.Registry.Tests;
