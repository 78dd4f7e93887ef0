package main

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

func TestPulseDemofeed(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "pulse-demofeed")
}

var _ = AfterSuite(gexec.CleanupBuildArtifacts)
