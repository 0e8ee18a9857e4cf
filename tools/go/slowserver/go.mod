module slowserver

go 1.19
