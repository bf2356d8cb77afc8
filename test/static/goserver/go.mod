module autoseal.test/goserver

go 1.19
