int x_main;
int main(){}
