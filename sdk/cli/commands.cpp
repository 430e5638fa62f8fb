int x_commands;
