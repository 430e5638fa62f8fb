int x_render;
