module github.com/pulse-datasource/pulse

go 1.26.8

// Front-end dependencies are not Go packages.
ignore ./node_modules
