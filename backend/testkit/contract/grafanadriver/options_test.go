package grafanadriver_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract/grafanadriver"
)

var _ = Describe("New", func() {
	DescribeTable("refuses a URL it cannot use, saying why",
		func(url, why string) {
			_, err := grafanadriver.New(grafanadriver.Options{URL: url})
			Expect(err).To(MatchError(ContainSubstring(why)))
		},
		Entry("empty", "", "Options.URL is empty"),
		Entry("malformed", "http://[::1", "is not a URL"),
		Entry("not http", "ftp://grafana:3000", "want an http or https URL"),
		Entry("without a scheme", "localhost:3000", "want an http or https URL"),
		Entry("without a host", "http:///grafana", "has no host"),
		Entry("with credentials", "http://admin:secret@localhost:3000", "carries credentials"),
		Entry("with a query", "http://localhost:3000/?orgId=1", "has a query or fragment"),
	)

	It("does not quote the password of a URL with credentials", func() {
		_, err := grafanadriver.New(grafanadriver.Options{URL: "http://admin:secret@localhost:3000"})
		Expect(err).NotTo(MatchError(ContainSubstring("secret")))
	})

	It("reaches the provisioned data source by default", func() {
		d, err := grafanadriver.New(grafanadriver.Options{URL: "https://grafana.example/"})
		Expect(err).NotTo(HaveOccurred())
		Expect(d.DataSourceUID()).To(Equal("pulse"))
	})
})

var _ = Describe("FromEnv", func() {
	It("says no Grafana is named when GRAFANA_URL is unset, and still fills in the compose setup's defaults", func() {
		GinkgoT().Setenv(grafanadriver.EnvURL, "")
		opts, ok := grafanadriver.FromEnv()
		Expect(ok).To(BeFalse())
		Expect(opts.URL).To(Equal(grafanadriver.DefaultURL))
		Expect(opts.DataSourceUID).NotTo(BeEmpty())
	})

	It("reads the Grafana, the credentials and the data source", func() {
		GinkgoT().Setenv(grafanadriver.EnvURL, "http://grafana:3000")
		GinkgoT().Setenv(grafanadriver.EnvUser, "viewer")
		GinkgoT().Setenv(grafanadriver.EnvPassword, "s3cret")
		GinkgoT().Setenv(grafanadriver.EnvDataSourceUID, "pulse-2")
		opts, ok := grafanadriver.FromEnv()
		Expect(ok).To(BeTrue())
		Expect(opts).To(Equal(grafanadriver.Options{URL: "http://grafana:3000", User: "viewer", Password: "s3cret", DataSourceUID: "pulse-2"}))
	})

	It("uses admin/admin and the uid pulse when only GRAFANA_URL is set", func() {
		GinkgoT().Setenv(grafanadriver.EnvURL, "http://grafana:3000")
		for _, name := range []string{grafanadriver.EnvUser, grafanadriver.EnvPassword, grafanadriver.EnvDataSourceUID} {
			unsetenv(name)
		}
		opts, ok := grafanadriver.FromEnv()
		Expect(ok).To(BeTrue())
		Expect(opts).To(Equal(grafanadriver.Options{URL: "http://grafana:3000", User: "admin", Password: "admin", DataSourceUID: "pulse"}))
	})
})
